"""What a run leaves behind outside its database: messages in its Celery queues, entries in its cache."""

from django.conf import settings


def purge_bench_queues():
    """Drop the messages the bench's notifications published: no worker reads these queues."""
    from config.celery import app

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in settings.CELERY_TASK_QUEUES:
            queue.bind(channel).purge()


def clear_bench_cache():
    """Delete the bench's own cache entries only (a FLUSHDB would empty everyone's Redis database)."""
    if not settings.REDIS_URL:
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
