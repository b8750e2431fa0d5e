/**
 * Results as Apache Arrow: `apache-arrow` is an optional peer dependency, loaded only when asked for.
 */
import type { Table } from "apache-arrow";

import { GatewayError } from "./errors.js";

/** The IANA media type of the Arrow IPC stream format. */
export const ARROW_STREAM = "application/vnd.apache.arrow.stream";

/** The Table in an Arrow IPC stream answer. */
export async function tableFromArrowStream(bytes: Uint8Array, response: Response): Promise<Table> {
  const contentType = response.headers.get("Content-Type") ?? "";
  if (!contentType.toLowerCase().startsWith(ARROW_STREAM)) {
    throw new GatewayError(`asked for ${ARROW_STREAM}, the gateway answered ${contentType || "without a type"}`, {
      status: response.status,
      requestId: response.headers.get("X-Request-ID"),
    });
  }
  let arrow: typeof import("apache-arrow");
  try {
    arrow = await import("apache-arrow");
  } catch (cause) {
    throw new Error("Arrow results need the optional peer dependency apache-arrow: npm install apache-arrow", {
      cause,
    });
  }
  return arrow.tableFromIPC(bytes);
}
