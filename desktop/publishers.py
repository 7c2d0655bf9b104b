"""The local outbox: where the posts of accounts that are not connected to their platform go.

The outbox is the honest stand-in for publishing: the post is recorded in the drafts database and
listed in the Sent view, and the receipt says plainly that it went nowhere else. Connected accounts
publish through ``desktop.accounts.AccountManager.publisher_for`` instead.
"""

from __future__ import annotations

from checks.workspace import Account
from desktop.records import OutgoingPost, Publisher, PublishError, PublishReceipt
from desktop.storage import StorageError, Store

OUTBOX = "outbox"


class OutboxPublisher:
    """Publishes by recording the post in the store's sent posts.

    Given the account it stands in for, it refuses a post meant for another account (the whole app is
    about which account speaks) and says in the receipt which platform the post did not reach.
    """

    def __init__(self, store: Store, account: Account | None = None) -> None:
        self._store = store
        self._account = account

    @property
    def location(self) -> str:
        """Where posts go, in words for the person."""
        if self._account is None or self._account.platform == OUTBOX:
            return "the local outbox"
        return f"the local outbox (not connected to {self._account.platform_name})"

    def publish(self, post: OutgoingPost) -> PublishReceipt:
        if self._account is not None and post.account_id != self._account.id:
            raise PublishError(
                f"The post was not sent: it is for account '{post.account_id}', but this publisher sends as "
                f"'{self._account.id}'. Your draft is kept."
            )
        if post.to_outbox is False:
            where = self._account.platform_name if self._account is not None else "its platform"
            raise PublishError(
                f"The post was not sent: it was confirmed for {where}, "
                "but the account is no longer connected on this laptop, so it would only reach the local outbox. "
                "Your draft is kept."
            )
        try:
            sent = self._store.record_sent(post, OUTBOX)
        except StorageError as error:
            raise PublishError(f"The post was not sent: {error} Your draft is kept.") from error
        return PublishReceipt(post=sent, location=self.location)


def publisher_for(account: Account, store: Store) -> Publisher:
    """The outbox publisher for ``account`` (an account with no connection on this laptop)."""
    return OutboxPublisher(store, account)
