import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import ORGANISER_GROUP

PASSWORD = "Un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@collectivite.example")
    full_name = factory.Faker("name", locale="fr_FR")
    language = "fr"
    # Accounts of the tests have proved their address unless a test says otherwise (``email_verified_at=None``).
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class OrganiserFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def organiser_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=ORGANISER_GROUP))
