"""config/gunicorn.conf.py: the production values, the few read from the environment, and the command line
still overriding the file (the tests and the bench pass --bind, --workers and --threads)."""

import os

from .servers import gunicorn_config


def test_the_production_defaults():
    workers = min(2 * os.cpu_count() + 1, 12)

    assert gunicorn_config() == {
        "bind": "['127.0.0.1:8000']",
        "workers": str(workers),
        "worker_class": "gthread",
        "threads": "2",
        "timeout": "30",
        "graceful_timeout": "30",
        "max_requests": "1000",
        "max_requests_jitter": "100",
        "forwarded_allow_ips": "['127.0.0.1', '::1']",
        "accesslog": "None",
        "errorlog": "-",
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else "None",
        "control_socket_disable": "True",
    }


def test_the_environment_sets_the_address_the_processes_and_the_trusted_proxy():
    config = gunicorn_config(
        GUNICORN_BIND="10.0.0.12:8000", WEB_CONCURRENCY="3", GUNICORN_THREADS="4", FORWARDED_ALLOW_IPS="10.0.0.2"
    )

    assert (config["bind"], config["workers"], config["threads"], config["forwarded_allow_ips"]) == (
        "['10.0.0.12:8000']",
        "3",
        "4",
        "['10.0.0.2']",
    )


def test_the_command_line_overrides_the_file_and_the_environment():
    config = gunicorn_config(
        "--bind", "127.0.0.1:9123", "--workers", "1", "--threads", "3", "--timeout", "120", WEB_CONCURRENCY="7"
    )

    assert (config["bind"], config["workers"], config["threads"], config["timeout"]) == (
        "['127.0.0.1:9123']",
        "1",
        "3",
        "120",
    )
