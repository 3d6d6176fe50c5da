"""A city URL map with one page someone forgot to guard (tests/tenants/test_pages.py)."""

from functools import partial

from django.http import HttpResponse
from django.urls import path

from tenants.pages import city_page


def forgotten_page(request):
    return HttpResponse("Tout le monde entre ici.")


@city_page
def guarded_page(request):
    return HttpResponse(request.city.name)


def _logged(view):
    """A decorator that drops what it wraps' attributes (no functools.wraps)."""

    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path("oubli/", forgotten_page),
    path("gardee/", guarded_page),
    path("enrobee/", _logged(guarded_page)),
    path("partielle/", partial(forgotten_page)),
]
