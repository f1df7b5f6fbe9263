"""One router per resource; ``api.app.ROUTERS`` lists the ones the service serves."""
