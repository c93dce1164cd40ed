"""Fetching pages over HTTP: the pooled fetcher with retries, redirects, caps and conditional GET."""
