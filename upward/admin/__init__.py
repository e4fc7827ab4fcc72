"""The admin's pages: who leads the program."""
