"""Volunteers' certificate requests, as an issuer's organisers work through them."""
