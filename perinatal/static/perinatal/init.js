// Start the NHS.UK frontend components and the service's own behaviour.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import { initSessionTimeout } from "./session-timeout.js";

initAll();
initSessionTimeout(document.getElementById("session-timeout"));
