from django import template

from auditions.sessions import services

register = template.Library()
register.filter("gives_availability", services.gives_availability)
