"""X-Forwarded-* headers are believed only from the reverse proxies named in the settings.

ProxyFix alone trusts the last TRUST_PROXY_HOPS addresses of X-Forwarded-For from whoever
connects. If gunicorn can be reached around the proxy, anyone could then choose the address
the per-address sign-in limit counts. Here a request whose direct peer is not a configured
proxy is taken exactly as it arrived.
"""

from ipaddress import ip_address, ip_network

from werkzeug.middleware.proxy_fix import ProxyFix


def parse_networks(text: str) -> list:
    """'127.0.0.1, 10.0.0.0/8' -> networks; a ValueError names a bad entry."""
    return [ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


class TrustedProxyFix:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, nothing for others."""

    def __init__(self, wsgi_app, hops: int, proxies: list):
        self.direct = wsgi_app
        self.forwarded = ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        self.proxies = proxies

    def from_proxy(self, peer: str) -> bool:
        try:
            address = ip_address(peer)
        except ValueError:
            return False
        return any(address in network for network in self.proxies)

    def __call__(self, environ, start_response):
        if self.from_proxy(environ.get("REMOTE_ADDR", "")):
            return self.forwarded(environ, start_response)
        return self.direct(environ, start_response)
