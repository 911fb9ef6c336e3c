"""Outbound HTTP for webhooks, federation and sign-in: only to addresses the SSRF guard allows."""
