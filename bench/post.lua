-- wrk script: POST the body in $BODY_FILE, with keep-alive: a SOAP envelope by default, or
-- whatever $CONTENT_TYPE says (the other front doors' forms and JSON), to $REQUEST_PATH
-- (default: the URL's path).
-- With $TASK_FILE set as well, the envelope's {{TASK}} is replaced by each line of that file in turn.
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "text/xml; charset=utf-8"
if os.getenv("REQUEST_PATH") then
  wrk.path = os.getenv("REQUEST_PATH")
end
-- IntellectMoney's headers, when set.
if os.getenv("AUTHORIZATION") then
  wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
end
if os.getenv("SIGN") then
  wrk.headers["Sign"] = os.getenv("SIGN")
end
local body = io.open(os.getenv("BODY_FILE")):read("*a")
wrk.body = body
