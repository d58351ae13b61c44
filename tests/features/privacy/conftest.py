"""The channels' fake platform servers, shared with the privacy tests."""

from tests.channels.telegram.conftest import fake_api, telegram  # noqa: F401
from tests.channels.whatsapp.conftest import fake_graph, wa  # noqa: F401
