import type { HubSpotSettings } from '../schemas/settings';

/** What differs between the CRM objects the streams read. */
export interface CrmObjectType {
  stream: 'contacts' | 'deals' | 'companies';
  /** The v3 path; deals use their objectTypeId (0-3), as HubSpot's own spec writes it. */
  path: string;
  /** Last-modified property: `lastmodifieddate` on contacts, `hs_lastmodifieddate` elsewhere. */
  modifiedProperty: string;
  properties(settings: HubSpotSettings): string[];
}

export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'city',
  'country',
  'company',
  'lifecyclestage',
  'hs_legal_basis',
  'marketing_consent',
  'email_subscription_status',
  'lastmodifieddate',
  'createdate',
];

export const DEAL_PROPERTIES = ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate', 'hs_lastmodifieddate'];
export const COMPANY_PROPERTIES = ['name', 'domain', 'city', 'country', 'hs_lastmodifieddate'];
export const LINE_ITEM_PROPERTIES = ['name', 'quantity', 'price', 'amount', 'hs_sku', 'hs_product_id'];

export const DEFAULT_DEAL_ID_PROPERTY = 'external_deal_id';

const unique = (names: string[]) => [...new Set(names)];

export const contactsType: CrmObjectType = {
  stream: 'contacts',
  path: '/crm/v3/objects/contacts',
  modifiedProperty: 'lastmodifieddate',
  properties: (settings) => unique([...CONTACT_PROPERTIES, ...(settings.contactProperties ?? [])]),
};

export const dealsType: CrmObjectType = {
  stream: 'deals',
  path: '/crm/v3/objects/0-3',
  modifiedProperty: 'hs_lastmodifieddate',
  properties: (settings) => unique([...DEAL_PROPERTIES, settings.dealIdProperty ?? DEFAULT_DEAL_ID_PROPERTY]),
};

export const companiesType: CrmObjectType = {
  stream: 'companies',
  path: '/crm/v3/objects/companies',
  modifiedProperty: 'hs_lastmodifieddate',
  properties: () => COMPANY_PROPERTIES,
};

export const LINE_ITEMS_PATH = '/crm/v3/objects/line_items';
