"""HTTP only: parse the request, call the job service, map its errors to HTTP."""
