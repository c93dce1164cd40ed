"""Former home of the URL normaliser, kept so existing imports work; checker.url_identity owns it now."""
from checker.url_identity import host_of, normalize_url, url_key

__all__ = ["normalize_url", "url_key", "host_of"]
