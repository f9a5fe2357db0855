// oauth-callback: Microsoft sends the browser here (verify_jwt = false; the one-time state
// protects it). Redeems the code, stores the connection and sealed tokens, and redirects back to
// the app with the outcome.
import { CallbackQuery, completeConnect } from "../_shared/connect.ts";
import { serve } from "../_shared/http.ts";

serve(
  { auth: "none", methods: ["GET"] },
  async ({ url, query }) => await completeConnect(url, query(CallbackQuery)),
);
