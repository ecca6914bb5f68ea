"""The shipped nginx site: nginx accepts it, and its body-size limit lets the largest accepted upload through."""

import subprocess

import pytest
from django.conf import settings

from .servers import body_size_limits


@pytest.mark.nginx
def test_nginx_accepts_the_shipped_site(layout):
    result = subprocess.run(layout.command("-t"), capture_output=True, text=True, timeout=30)

    print(result.stderr)
    assert result.returncode == 0, result.stderr


def test_the_body_size_limit_lets_a_full_document_and_its_form_through():
    largest_accepted = settings.DOCUMENT_MAX_BYTES + settings.DOCUMENT_REQUEST_MARGIN

    limits = body_size_limits()

    assert limits, "no client_max_body_size in deploy/nginx/: nginx would refuse anything above 1 MiB"
    assert [limit >= largest_accepted for limit in limits] == [True] * len(limits), limits
