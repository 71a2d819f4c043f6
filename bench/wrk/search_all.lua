-- wrk script: POST /package/search without a query, with the Go DC/OS CLI's body and the Cosmos
-- media types.
wrk.method = "POST"
wrk.path = "/package/search"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1"
wrk.headers["Accept"] = "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1"
wrk.headers["User-Agent"] = "python-requests/2.18.4"
