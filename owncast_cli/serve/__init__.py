"""The HTTP front door: quart-trio on hypercorn, answering Owncast's public API."""
