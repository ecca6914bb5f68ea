"""The second factor in the browser, passed as a person does: with the code their authenticator app shows now."""

import base64
import re
import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

VERIFY_URL = re.compile(r"/compte/connexion/code/(\?|$)")
STEP = 30
# A code about to change may reach the server in the next step: a person seeing the countdown end waits for the next.
LAST_SECONDS = 3


class Authenticator:
    """The app on the person's phone: it knows the secret and shows the code of the current 30-second step.

    Each code is accepted once, so the app never gives the code of a step already used: like a person who
    has just logged in, it waits for the code to change.
    """

    def __init__(self, key, last_step=-1):
        self.key = key
        self.last_step = last_step

    @classmethod
    def from_secret(cls, secret):
        """The app set up by typing the key shown on the enrolment page (base32, grouped by four)."""
        return cls(base64.b32decode(secret.replace(" ", "")))

    def code(self):
        while True:
            now = time.time()
            step = int(now) // STEP
            if step > self.last_step and STEP - now % STEP > LAST_SECONDS:
                break
            time.sleep(0.25)
        self.last_step = step
        return f"{hotp(self.key, step):06d}"


def set_up_authenticator(user):
    """The user set up their app before the journey: a confirmed device, as the enrolment leaves it."""
    return TOTPDevice.objects.create(user=user, name="application", confirmed=True)


def type_code(page, code, button="Confirmer"):
    page.get_by_label("Code de vérification").fill(code)
    page.get_by_role("button", name=button, exact=True).click()


def pass_second_factor(page, user):
    """On the step after the password: the code of the user's app, waiting for a new one if the last was used."""
    expect(page).to_have_url(VERIFY_URL)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    type_code(page, Authenticator(device.bin_key, last_step=device.last_t).code())
