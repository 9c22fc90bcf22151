// What the interview editor's ATS selects offer: the workspace's connections and, for the chosen
// connection, its positions (with their stages), rejection reasons and tags. It lives for the whole
// editor, not the ATS tab, because the watchdog line names the feeding stage on every tab.
import * as api from '../../lib/api.js';

export class AtsOptions {
  /** @type {api.Connection[]} */
  connections = $state([]);
  connectionsLoaded = $state(false);
  /** @type {api.Position[]} */
  positions = $state([]);
  positionsLoading = $state(false);
  /** @type {{ext_id: string, name: string}[]} */
  reasons = $state([]);
  /** The ATS's synced tags, offered for the tagging rules. @type {{ext_id: string, name: string}[]} */
  tags = $state([]);

  /**
   * Call while a component initialises: the loads follow the workspace and the chosen connection.
   * @param {() => number} wid
   * @param {() => string} connectionId
   */
  constructor(wid, connectionId) {
    $effect(() => {
      api
        .listConnections(wid())
        .then((r) => (this.connections = r.connections || []))
        .catch(() => (this.connections = []))
        .finally(() => (this.connectionsLoaded = true));
    });

    $effect(() => {
      const cid = connectionId();
      if (!cid) {
        this.positions = [];
        this.reasons = [];
        this.tags = [];
        return;
      }
      const w = wid();
      this.positionsLoading = true;
      api
        .listPositions(w, { connection_id: cid, limit: 500, include_deleted: true })
        .then((r) => {
          if (connectionId() === cid) this.positions = r.positions || [];
        })
        .catch(() => (this.positions = []))
        .finally(() => (this.positionsLoading = false));
      api
        .listRejectionReasons(w, cid)
        .then((r) => {
          if (connectionId() === cid) this.reasons = r.rejection_reasons || [];
        })
        .catch(() => (this.reasons = []));
      api
        .listConnectionTags(w, cid)
        .then((r) => {
          if (connectionId() === cid) this.tags = r.tags || [];
        })
        .catch(() => (this.tags = []));
    });
  }
}
