"""The web shell around every area: sign-in state and bearer tokens per request, security headers,
the navigation. It sits on top of the areas (it asks auth who is signed in), so no domain module
imports it."""
