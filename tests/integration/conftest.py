"""Servers the integration tests share."""

from tests.support.mastodon_server import mock_server

__all__ = ["mock_server"]
