from django.conf import settings


def admin_not_indexed(get_response):
    """Tell search engines to leave the admin alone, without naming its address in robots.txt."""
    prefix = "/" + settings.ADMIN_URL

    def middleware(request):
        response = get_response(request)
        if request.path.startswith(prefix):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return middleware
