"""Accounts: registration, login, logout, and the data a person owns."""
