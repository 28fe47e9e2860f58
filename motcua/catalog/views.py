from django.http import HttpRequest, HttpResponse


def procedure_list(request: HttpRequest) -> HttpResponse:  # replaced by the catalogue work
    return HttpResponse("")


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse(code)
