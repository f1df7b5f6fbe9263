"""Service records: each volunteer's records with their full history, and their pages."""
