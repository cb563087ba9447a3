"""http.get_json: GET a URL and return the decoded JSON body (httpx; transport injectable).

A response with status 400 or more fails with kind ``http.<status>`` (so ``no_retry_on`` can
list ``"http.401"``); a body that is not JSON fails with kind ``http.invalid_json``. Connection
errors are httpx's own exceptions (``ConnectError`` is an ``httpx.TransportError``).
"""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError, current_task


class HttpGetJson(Operation):
    name = "http.get_json"
    version = "1.0"
    description = "GET a URL and return the decoded JSON body"

    url = DataInput("WSTRING", comment="the address to fetch")
    headers = DataInput("ANY", comment="extra request headers")
    query = DataInput("ANY", comment="query parameters, added to the URL")
    timeout = DataInput("LREAL", 30.0, comment="seconds to wait for the answer")
    result = DataOutput("ANY", comment="the decoded JSON")

    param_types = {"headers": "dict|null", "query": "dict|null", "timeout": "float"}
    optional_params = ("headers", "query")

    async def execute(self) -> None:
        task = current_task()
        async with task.services.http_client(timeout=float(self.timeout)) as client:
            response = await client.get(self.url, headers=self.headers, params=self.query)
        if response.status_code >= 400:
            raise OperationError(
                f"GET {response.url} answered {response.status_code} {response.reason_phrase}",
                kind=f"http.{response.status_code}",
            )
        try:
            self.result = response.json()
        except ValueError:
            raise OperationError(
                f"GET {response.url} did not answer JSON "
                f"(content-type {response.headers.get('content-type', 'missing')})",
                kind="http.invalid_json",
            ) from None
        task.log(f"GET {response.url}: {response.status_code}, {len(response.content)} bytes")
