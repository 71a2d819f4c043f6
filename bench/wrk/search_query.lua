-- wrk script: POST /package/search with a substring query (COSMOS_QUERY, default "kaf").
local query = os.getenv("COSMOS_QUERY") or "kaf"
wrk.method = "POST"
wrk.path = "/package/search"
wrk.body = '{"query":"' .. query .. '"}'
wrk.headers["Content-Type"] = "application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1"
wrk.headers["Accept"] = "application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1"
wrk.headers["User-Agent"] = "python-requests/2.18.4"
