import { addMissingColumns } from '../schema-inspection';
import type { Migration } from './registry-types';

/**
 * Which routers carry the internet traffic, and where each one is. `source_role` is what the
 * source says (a UniFi gateway's WAN is the edge, its switches and APs are inside; NULL when
 * the source cannot tell, as the API server); `marked_role` is the admin's mark, stored here so
 * every workstation on the database agrees; `site` is the controller site the router belongs to.
 */
export const addRouterRolesAndSites: Migration = {
  version: 12,
  name: 'add router roles and sites',
  async up(db) {
    await addMissingColumns(db, 'routers', {
      source_role: "ENUM('edge','inside') NULL",
      marked_role: "ENUM('edge','inside') NULL",
      site: 'VARCHAR(255) NULL',
    });
  },
};
