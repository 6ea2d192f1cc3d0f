# Load the Celery app with Django so that @shared_task binds to it (celery/celery:
# examples/django/proj/__init__.py).
from .celery import app as celery_app

__all__ = ("celery_app",)
