import { DomainError, matches, sortRows, type Row } from './domain';

/**
 * The sandbox's data: the models the connector uses, with Odoo's per-record validation and its error names.
 * Datetimes are stored with milliseconds (Odoo keeps microseconds) and shown to the second, as Odoo shows them.
 */

export class OdooFault extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** JSON-2 status for this exception. */
    readonly status: number,
  ) {
    super(message);
  }
}
export const validation = (m: string) => new OdooFault('odoo.exceptions.ValidationError', m, 422);
export const missing = (m: string) => new OdooFault('odoo.exceptions.MissingError', m, 404);
const badValue = (m: string) => new OdooFault('builtins.ValueError', m, 422);

type Many2one = { field: string; model: string };
interface ModelSpec {
  many2one: Many2one[];
  hasActive: boolean;
  /** Display name of a row, for many2one values pointing at it. */
  display: (row: Row) => string;
}

const MODELS: Record<string, ModelSpec> = {
  'res.partner': {
    many2one: [{ field: 'parent_id', model: 'res.partner' }],
    hasActive: true,
    display: (r) => String(r.name),
  },
  'sale.order': {
    many2one: [
      { field: 'partner_id', model: 'res.partner' },
      { field: 'currency_id', model: 'res.currency' },
      { field: 'pricelist_id', model: 'product.pricelist' },
    ],
    hasActive: false,
    display: (r) => String(r.name),
  },
  'sale.order.line': {
    many2one: [
      { field: 'order_id', model: 'sale.order' },
      { field: 'product_id', model: 'product.product' },
    ],
    hasActive: false,
    display: (r) => String(r.name),
  },
  'account.move': {
    many2one: [
      { field: 'partner_id', model: 'res.partner' },
      { field: 'currency_id', model: 'res.currency' },
      { field: 'reversed_entry_id', model: 'account.move' },
    ],
    hasActive: false,
    display: (r) => String(r.name),
  },
  'product.product': { many2one: [], hasActive: true, display: (r) => String(r.name) },
  'res.currency': { many2one: [], hasActive: true, display: (r) => String(r.name) },
  'product.pricelist': {
    many2one: [{ field: 'currency_id', model: 'res.currency' }],
    hasActive: true,
    display: (r) => String(r.name),
  },
  'res.company': {
    many2one: [{ field: 'currency_id', model: 'res.currency' }],
    hasActive: true,
    display: (r) => String(r.name),
  },
  'ir.model.data': { many2one: [], hasActive: false, display: (r) => `${String(r.module)}.${String(r.name)}` },
  'res.users.apikeys': { many2one: [], hasActive: false, display: (r) => String(r.name) },
};

const EXTERNAL_NAME = /^[\w-]+$/;

/** Fields fields_get lists per model besides what rows hold: stored and computed ones the connector reads. */
const STANDARD_FIELDS: Record<string, string[]> = {
  'res.partner': ['name', 'email', 'phone', 'city', 'zip', 'country_code', 'is_blacklisted', 'active', 'parent_id'],
  'sale.order': ['name', 'partner_id', 'state', 'date_order', 'currency_id', 'order_line', 'invoice_ids', 'origin'],
};

/** Custom fields (Odoo Studio's x_…) of the sandbox database, by model: the ones the ad templates read. */
export const SANDBOX_CUSTOM_FIELDS: Record<string, string[]> = {
  'sale.order': ['x_gclid', 'x_gbraid', 'x_wbraid', 'x_fbc', 'x_fbp'],
  'res.partner': ['x_marketing_consent'],
};

export class OdooStore {
  readonly tables = new Map<string, Map<number, Row>>(Object.keys(MODELS).map((m) => [m, new Map()]));
  private nextId = new Map<string, number>();
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  /** Creates per model, for "exactly once" assertions. */
  readonly created = new Map<string, number>();
  /** Custom fields the database has, by model; asking for another x_ field fails as in Odoo ("Invalid field"). */
  readonly customFields: Map<string, Set<string>>;

  constructor(customFields: Record<string, string[]> = SANDBOX_CUSTOM_FIELDS) {
    this.customFields = new Map(Object.entries(customFields).map(([m, f]) => [m, new Set(f)]));
  }

  /** fields_get: the fields of a model (with `type` only as far as the sandbox knows it). */
  fieldsOf(model: string): Record<string, { type: string }> {
    const names = new Set(['id', 'write_date', 'create_date', ...(STANDARD_FIELDS[model] ?? [])]);
    for (const row of this.table(model).values())
      for (const key of Object.keys(row)) if (!key.startsWith('x_')) names.add(key);
    for (const field of this.customFields.get(model) ?? []) names.add(field);
    const many2one = new Set(MODELS[model]!.many2one.map((m) => m.field));
    return Object.fromEntries(
      [...names].map((name) => [
        name,
        { type: many2one.has(name) ? 'many2one' : name.endsWith('_ids') ? 'one2many' : 'char' },
      ]),
    );
  }

  /** Odoo refuses a read naming a field the model does not have; the sandbox checks the custom (x_) ones. */
  checkFields(model: string, fields: string[] | undefined): void {
    for (const field of fields ?? [])
      if (field.startsWith('x_') && !(this.customFields.get(model)?.has(field) ?? false))
        throw badValue(`Invalid field '${field}' on model '${model}'`);
  }

  /** A stamp a little after the last, with milliseconds; `tie` keeps the same second. */
  stamp(): string {
    this.clock = Math.max(this.clock + 137, Date.now());
    return new Date(this.clock).toISOString().replace('T', ' ').slice(0, 23);
  }

  table(model: string): Map<number, Row> {
    const table = this.tables.get(model);
    if (table === undefined) throw missing(`Object ${model} doesn't exist`);
    return table;
  }

  /** Inserts without validation (seeding). */
  insert(model: string, values: Row, writeDate?: string): number {
    const id = (this.nextId.get(model) ?? 1) + 0;
    this.nextId.set(model, id + 1);
    const now = writeDate ?? this.stamp();
    const row: Row = { ...values, id, create_date: now, write_date: now };
    if (MODELS[model]!.hasActive && row.active === undefined) row.active = true;
    this.table(model).set(id, row);
    return id;
  }

  private visible(model: string, context: Row | undefined): Row[] {
    const rows = [...this.table(model).values()];
    return MODELS[model]!.hasActive && context?.active_test !== false ? rows.filter((r) => r.active !== false) : rows;
  }

  /** A row as Odoo answers it: many2one as [id, name] or false, datetimes to the second, only `fields`. */
  present(model: string, row: Row, fields?: string[]): Row {
    const out: Row = {};
    const spec = MODELS[model]!;
    // like Odoo, `id` always comes back whatever `fields` asks for
    for (const field of fields && fields.length > 0 ? ['id', ...fields.filter((f) => f !== 'id')] : Object.keys(row)) {
      let value = row[field];
      const link = spec.many2one.find((m) => m.field === field);
      if (link !== undefined) {
        const target = typeof value === 'number' ? this.tables.get(link.model)?.get(value) : undefined;
        value = target === undefined ? false : [value, MODELS[link.model]!.display(target)];
      } else if (field === 'order_line' && model === 'sale.order') {
        value = [...this.table('sale.order.line').values()].filter((l) => l.order_id === row.id).map((l) => l.id);
      } else if (field === 'invoice_ids' && model === 'sale.order') {
        value = this.invoiceIdsOf(row);
      } else if (field === 'is_blacklisted' && model === 'res.partner') {
        value = row.is_blacklisted === true;
      } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$/.test(value)) {
        value = value.slice(0, 19);
      }
      out[field] = value === undefined || value === null ? false : value;
    }
    return out;
  }

  /** sale.order.invoice_ids as Odoo computes it from the invoice lines' sale lines: invoices and credit notes. */
  invoiceIdsOf(order: Row): number[] {
    return [...this.table('account.move').values()]
      .filter((m) => (m.move_type === 'out_invoice' || m.move_type === 'out_refund') && m.invoice_origin === order.name)
      .map((m) => m.id as number);
  }

  search(model: string, domain: unknown, context?: Row, order?: string, limit?: number, offset = 0): Row[] {
    let rows: Row[];
    // a domain on the computed invoice_ids searches it as Odoo's _search_invoice_ids does
    const computed = model === 'sale.order' && JSON.stringify(domain ?? []).includes('"invoice_ids"');
    try {
      rows = this.visible(model, context).filter((r) =>
        matches(computed ? { ...r, invoice_ids: this.invoiceIdsOf(r) } : r, domain ?? []),
      );
    } catch (error) {
      if (error instanceof DomainError) throw badValue(error.message);
      throw error;
    }
    const sorted = sortRows(rows, order);
    return sorted.slice(offset, limit === undefined || limit === null ? undefined : offset + limit);
  }

  private checkLinks(model: string, vals: Row): void {
    for (const link of MODELS[model]!.many2one) {
      const value = vals[link.field];
      if (value === undefined || value === false) continue;
      if (typeof value !== 'number' || !this.table(link.model).has(value))
        throw missing(
          `Record does not exist or has been deleted.\n(Record: ${link.model}(${JSON.stringify(value)},), User: 2)`,
        );
    }
  }

  private validate(model: string, vals: Row, existing?: Row): void {
    const merged = { ...existing, ...vals };
    if (model === 'res.partner' && (typeof merged.name !== 'string' || merged.name.trim() === '') && !merged.parent_id)
      throw validation('Contacts require a name');
    if (model === 'sale.order' && !merged.partner_id) throw validation('The field "Customer" (partner_id) is required');
    if (model === 'ir.model.data') {
      if (typeof merged.name !== 'string' || !EXTERNAL_NAME.test(merged.name))
        throw validation(`External IDs cannot contain dots or spaces: ${JSON.stringify(merged.name)}`);
      const clash = [...this.table(model).values()].some(
        (r) => r.id !== existing?.id && r.module === merged.module && r.name === merged.name,
      );
      if (clash)
        throw new OdooFault(
          'psycopg2.errors.UniqueViolation',
          'duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"',
          409,
        );
    }
    this.checkLinks(model, vals);
  }

  create(model: string, valsList: unknown): number[] {
    const list = Array.isArray(valsList) ? valsList : [valsList];
    if (list.some((v) => typeof v !== 'object' || v === null || Array.isArray(v)))
      throw badValue('create() expects a list of dicts (vals_list)');
    const ids: number[] = [];
    // one transaction: validate everything first, so a failure creates nothing
    for (const vals of list as Row[]) this.validate(model, this.withoutCommands(vals));
    for (const vals of list as Row[]) {
      const { order_line, ...rest } = vals;
      if (model === 'sale.order') this.checkLines(order_line);
      const id = this.insert(model, { ...this.defaults(model), ...rest, ...this.computed(model, rest) });
      if (model === 'sale.order') this.createLines(id, order_line);
      this.created.set(model, (this.created.get(model) ?? 0) + 1);
      ids.push(id);
    }
    return ids;
  }

  private withoutCommands(vals: Row): Row {
    const { order_line: _lines, ...rest } = vals;
    return rest;
  }

  private defaults(model: string): Row {
    if (model === 'sale.order')
      return {
        name: `S${String((this.nextId.get(model) ?? 1) + 0).padStart(5, '0')}`,
        state: 'draft',
        currency_id: 1,
        date_order: this.stamp().slice(0, 19), // Odoo's default: now
      };
    return {};
  }

  /**
   * Stored computes on create: sale.order.currency_id is the pricelist's currency, else the company's (Odoo 17+
   * `_compute_currency_id`); the sandbox's company is the first res.company.
   */
  private computed(model: string, vals: Row): Row {
    if (model !== 'sale.order' || vals.currency_id !== undefined) return {};
    const pricelist =
      typeof vals.pricelist_id === 'number' ? this.table('product.pricelist').get(vals.pricelist_id) : undefined;
    const company = [...this.table('res.company').values()][0];
    const currency = pricelist?.currency_id ?? company?.currency_id;
    return currency === undefined ? {} : { currency_id: currency };
  }

  private checkLines(commands: unknown): void {
    if (commands === undefined) return;
    if (!Array.isArray(commands)) throw badValue('order_line expects a list of commands');
    for (const command of commands) {
      if (!Array.isArray(command) || command[0] !== 0 || typeof command[2] !== 'object')
        throw badValue(`unsupported command ${JSON.stringify(command)} (the sandbox knows (0, 0, vals))`);
      const vals = command[2] as Row;
      if (typeof vals.product_id !== 'number' || !this.table('product.product').has(vals.product_id))
        throw missing(
          `Record does not exist or has been deleted.\n(Record: product.product(${JSON.stringify(vals.product_id)},), User: 2)`,
        );
    }
  }

  private createLines(orderId: number, commands: unknown): void {
    for (const command of (commands as [number, number, Row][] | undefined) ?? []) {
      const vals = command[2];
      const product = this.table('product.product').get(vals.product_id as number)!;
      const qty = typeof vals.product_uom_qty === 'number' ? vals.product_uom_qty : 1;
      const price = typeof vals.price_unit === 'number' ? vals.price_unit : Number(product.list_price);
      const subtotal = Math.round(qty * price * 100) / 100;
      this.insert('sale.order.line', {
        order_id: orderId,
        product_id: product.id,
        name: vals.name ?? product.name,
        product_uom_qty: qty,
        price_unit: price,
        price_subtotal: subtotal,
        price_total: Math.round(subtotal * 110) / 100,
      });
    }
    this.recompute(orderId);
  }

  recompute(orderId: number): void {
    const lines = [...this.table('sale.order.line').values()].filter((l) => l.order_id === orderId);
    const untaxed = lines.reduce((s, l) => s + Number(l.price_subtotal), 0);
    const total = lines.reduce((s, l) => s + Number(l.price_total), 0);
    const order = this.table('sale.order').get(orderId)!;
    Object.assign(order, {
      amount_untaxed: Math.round(untaxed * 100) / 100,
      amount_total: Math.round(total * 100) / 100,
      amount_tax: Math.round((total - untaxed) * 100) / 100,
    });
  }

  write(model: string, ids: unknown, vals: unknown): boolean {
    if (!Array.isArray(ids) || typeof vals !== 'object' || vals === null)
      throw badValue('write(ids, vals) expects ids and a dict');
    const table = this.table(model);
    const rows = ids.map((id) => {
      const row = typeof id === 'number' ? table.get(id) : undefined;
      if (row === undefined)
        throw missing(
          `Record does not exist or has been deleted.\n(Record: ${model}(${JSON.stringify(id)},), User: 2)`,
        );
      this.validate(model, vals as Row, row);
      return row;
    });
    const now = this.stamp();
    for (const row of rows) Object.assign(row, vals, { write_date: now });
    return true;
  }

  unlink(model: string, ids: unknown): boolean {
    if (!Array.isArray(ids)) throw badValue('unlink(ids) expects ids');
    for (const id of ids) this.table(model).delete(id as number);
    // as Odoo's unlink does: the external ids (ir.model.data) of the deleted records go with them
    const links = this.table('ir.model.data');
    for (const [rowId, row] of links) if (row.model === model && ids.includes(row.res_id)) links.delete(rowId);
    return true;
  }
}
