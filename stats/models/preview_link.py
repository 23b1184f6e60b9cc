import datetime

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

SALT = "stats.preview-link"


def default_expiry():
    return timezone.now() + datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)


class PreviewLink(models.Model):
    """A signed, expiring link that shows an embargoed year to someone without an account."""

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="preview_links")
    shared_with = models.CharField(
        max_length=200, help_text="Who the link is for, e.g. a newsroom. For your records."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.year} for {self.shared_with}"

    def get_absolute_url(self):
        return reverse("stats:preview", kwargs={"token": self.token})

    @property
    def token(self):
        return signing.dumps(self.pk, salt=SALT)

    @property
    def is_usable(self):
        return self.revoked_at is None and timezone.now() < self.expires_at

    @classmethod
    def from_token(cls, token):
        """The link a token names, or None if the token is forged or malformed."""
        try:
            pk = signing.loads(token, salt=SALT)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("year").filter(pk=pk).first()


class PreviewLinkUse(models.Model):
    """Each time a preview link is opened: the publisher can see who is reading early."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-used_at"]

    def __str__(self):
        return f"{self.link} opened {timezone.localtime(self.used_at):%d %b %Y %H:%M}"
