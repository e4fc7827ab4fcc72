"""The authors' page: what the live library looks like and what is wrong with it."""
