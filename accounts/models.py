from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; the e-mail address is the login."""

    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150)
    language = models.CharField(
        _("langue des e-mails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Permet de se connecter à l'administration du site."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)
    email_verified_at = models.DateTimeField(
        _("adresse e-mail confirmée le"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle la personne a prouvé recevoir les courriels de cette adresse."),
    )
    retention_warned_at = models.DateTimeField(
        _("prévenu de l'anonymisation le"),
        null=True,
        blank=True,
        help_text=_(
            "Dernier courriel annonçant l'anonymisation du compte inutilisé ; "
            "une connexion après cette date le rend sans effet."
        ),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self):
        return self.email_verified_at is not None


class SecurityEvent(models.Model):
    """What happened to an account's protection: the second factor, recovery codes, confirmations, unlocks."""

    class Kind(models.TextChoices):
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Double authentification activée")
        SECOND_FACTOR_VERIFIED = "second_factor_verified", _("Connexion confirmée par un code")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Code de double authentification refusé")
        RECOVERY_CODE_USED = "recovery_code_used", _("Code de secours utilisé")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Codes de secours renouvelés")
        SECOND_FACTOR_REMOVED = "second_factor_removed", _("Double authentification désactivée")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Double authentification réinitialisée par un organisateur")
        EMAIL_VERIFIED = "email_verified", _("Adresse e-mail confirmée")
        LOCKOUT_CLEARED = "lockout_cleared", _("Blocage des connexions levé par un organisateur")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events", verbose_name=_("compte")
    )
    kind = models.CharField(_("événement"), max_length=40, choices=Kind.choices)
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
        help_text=_("L'organisateur qui a agi, quand ce n'est pas la personne elle-même."),
    )

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user}"
