from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .public import PublicQuerySet

SALT = "stats.preview-link"


class PreviewLink(models.Model):
    """Early access to a scheduled release: a signed, expiring link that shows the approved
    version to someone without an account. Who had it, and for how long before the release,
    is published with the release (the Code of Practice for Statistics asks for it)."""

    year = models.ForeignKey("stats.Year", on_delete=models.CASCADE, related_name="preview_links")
    recipient = models.CharField(
        "name", max_length=200, blank=True, help_text="The person it is for."
    )
    organisation = models.CharField(
        max_length=200, help_text="Their organisation, e.g. a newsroom. Published with the release."
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="Their role, e.g. home affairs correspondent. Published with the release.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Early access starts no sooner than PRE_RELEASE_HOURS before the release, unless a
    # publisher recorded why it must (stats/rules/pre_release.py).
    opens_at = models.DateTimeField(null=True, blank=True, editable=False)
    early_reason = models.TextField(blank=True, editable=False)
    expires_at = models.DateTimeField(help_text="The release moment: from then the year is public.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.year} for {self.shared_with}"

    def get_absolute_url(self):
        return reverse("stats:preview", kwargs={"token": self.token})

    @property
    def shared_with(self):
        """Who it is for, in one phrase: "Jo Bloggs, BBC Cumbria (home affairs correspondent)"."""
        who = ", ".join(part for part in (self.recipient, self.organisation) if part)
        return f"{who} ({self.role})" if self.role else who

    @property
    def token(self):
        return signing.dumps(self.pk, salt=SALT)

    @property
    def is_usable(self):
        now = timezone.now()
        return self.revoked_at is None and self.is_open and now < self.expires_at

    @property
    def is_open(self):
        """Past the moment its early access starts."""
        return self.opens_at is None or self.opens_at <= timezone.now()

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
