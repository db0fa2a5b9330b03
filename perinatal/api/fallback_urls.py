"""Every other address under /api/ (included last by `perinatal.urls`): the API's JSON 404."""

from django.urls import re_path

from perinatal.api.errors import not_found

urlpatterns = [re_path(r"", not_found)]
