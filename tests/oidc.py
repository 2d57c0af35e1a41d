"""A real OpenID Connect provider (panva's oidc-provider on Node.js) that the tests start on
127.0.0.1, and a person signing in at it: its development login page takes any password,
and the login typed is the subject."""

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

from tests.servers import ROOT, answers_http, free_port, running

PROVIDER_SCRIPT = ROOT / "tests" / "oidc_provider.mjs"


@dataclass(frozen=True)
class Provider:
    issuer: str
    clients: dict[str, str]  # client id -> secret


@contextmanager
def oidc_provider(redirect_uris: list[str], accounts: dict[str, dict],
                  clients: tuple[str, ...] = ("portal", "other-service")) -> Iterator[Provider]:
    """Run the provider with `clients` (each allowed `redirect_uris`) and `accounts`."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed for the OpenID Connect provider tests")
    port = free_port()
    secrets = {client: f"{client}-secret-for-tests" for client in clients}
    config = {
        "port": port, "accounts": accounts,
        "clients": [{"client_id": client, "client_secret": secret,
                     "redirect_uris": redirect_uris, "grant_types": ["authorization_code"],
                     "response_types": ["code"]} for client, secret in secrets.items()],
    }
    env = {**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "NODE_ENV": "test"}
    ready = answers_http(port, "/.well-known/openid-configuration")
    with running([node, str(PROVIDER_SCRIPT)], ready, env=env):
        yield Provider(issuer=f"http://127.0.0.1:{port}", clients=secrets)


class _FormReader(HTMLParser):
    """The action of the first form on a page of the provider's."""

    def __init__(self):
        super().__init__()
        self.action = None

    def handle_starttag(self, tag, attrs):
        if tag == "form" and self.action is None:
            self.action = dict(attrs).get("action")


def _form_action(page: requests.Response) -> str:
    reader = _FormReader()
    reader.feed(page.text)
    if reader.action is None:
        raise AssertionError(f"no form on the provider's page: {page.text[:500]}")
    return urljoin(page.url, reader.action)


def sign_in_at_provider(authorize_url: str, login: str) -> str:
    """Follow the portal's redirect to the provider, sign in as `login` and consent; the
    address the provider sends the browser back to (the portal's callback)."""
    browser = requests.Session()
    step = _walk(browser, browser.get(authorize_url, allow_redirects=False, timeout=10))
    answers = [{"prompt": "login", "login": login, "password": "any"}, {"prompt": "consent"}]
    for answer in answers:
        if isinstance(step, str):
            return step
        step = _walk(browser, browser.post(_form_action(step), data=answer,
                                           allow_redirects=False, timeout=10))
    if isinstance(step, str):
        return step
    raise AssertionError(f"the provider did not send the browser back: {step.text[:500]}")


def _walk(browser: requests.Session, response: requests.Response):
    """Follow the provider's redirects: the portal's callback address when it is reached,
    else the provider's next page."""
    for _ in range(10):
        location = response.headers.get("Location")
        if response.status_code not in {302, 303} or location is None:
            return response
        if "/sign-in/council/callback" in location:
            return location
        response = browser.get(urljoin(response.url, location), allow_redirects=False,
                               timeout=10)
    raise AssertionError("the provider redirected too many times")
