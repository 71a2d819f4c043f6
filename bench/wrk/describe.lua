-- wrk script: POST /package/describe of one package (COSMOS_PACKAGE, default "kafka"), asking for
-- the v3 answer as the DC/OS CLI does.
local package = os.getenv("COSMOS_PACKAGE") or "kafka"
wrk.method = "POST"
wrk.path = "/package/describe"
wrk.body = '{"packageName":"' .. package .. '"}'
wrk.headers["Content-Type"] = "application/vnd.dcos.package.describe-request+json;charset=utf-8;version=v1"
wrk.headers["Accept"] = "application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3"
wrk.headers["User-Agent"] = "python-requests/2.18.4"
