import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} S.r.l.")
    kind = Organisation.Kind.SME
    city = "Milano"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified email address, able to sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="it_IT")
    role = Role.MEMBER
    organisation = factory.SubFactory(OrganisationFactory)
    preferred_language = "it"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def with_mfa(self, create, extracted, **kwargs):
        """``UserFactory(with_mfa=True)`` enables TOTP; the secret is on ``user.totp_secret``."""
        if create and extracted:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)
            assert Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()
