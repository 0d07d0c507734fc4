"""Digital credentials: Open Badges 3.0 credentials, their status list and the issuer's DID."""
