"""Servers the integration tests share."""

from tests.support.mastodon_server import mock_server, proxy, server
from tests.support.pds_server import account, pds

__all__ = ["account", "mock_server", "pds", "proxy", "server"]
