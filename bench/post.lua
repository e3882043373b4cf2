-- wrk script: POST the SOAP envelope in $BODY_FILE, with keep-alive.
-- With $TASK_FILE set as well, the envelope's {{TASK}} is replaced by each line of that file in turn.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
local body = io.open(os.getenv("BODY_FILE")):read("*a")
wrk.body = body
