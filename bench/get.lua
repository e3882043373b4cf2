-- wrk script: GET $REQUEST_PATH with keep-alive, with `Authorization: $AUTHORIZATION` when set
-- (ricloud's `Token <t>`).
wrk.method = "GET"
wrk.path = os.getenv("REQUEST_PATH")
if os.getenv("AUTHORIZATION") then
  wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
end
