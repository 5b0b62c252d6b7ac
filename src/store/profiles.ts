import type { Database } from 'better-sqlite3';
import { stmt } from './statements.js';
import { noteInventoryChange } from './changes.js';
import type { Profile, ProfileLabel } from '../inventory/types.js';

interface ProfileRow {
  id: number;
  name: string;
  template: string;
  prompt: number;
  timeout: number;
  display: string | null;
  f1: string | null;
  default_label: string | null;
  push_image: string | null;
  overlays: string; // JSON array of overlay names
  boot_image: string | null;
  kernel_from_image: number;
  root_mode: 'overlay' | 'ram';
}
interface LabelRow {
  name: string;
  menu_label: string | null;
  localboot: number | null;
  kernel: string | null;
  initrds: string;
  args: string;
}

const toLabel = (r: LabelRow): ProfileLabel => ({
  name: r.name,
  menuLabel: r.menu_label,
  localboot: r.localboot,
  kernel: r.kernel,
  initrds: JSON.parse(r.initrds) as string[],
  args: r.args,
});

export type ProfileRecord = Omit<Profile, 'id'>;

/** Profiles and their ordered menu labels (profile_labels). */
export class ProfileRepo {
  constructor(private readonly db: Database) {}

  private withLabels(r: ProfileRow): Profile {
    const labels = (
      stmt(this.db, 'SELECT name, menu_label, localboot, kernel, initrds, args FROM profile_labels WHERE profile_id = ? ORDER BY position').all(r.id) as LabelRow[]
    ).map(toLabel);
    return {
      id: r.id,
      name: r.name,
      template: r.template,
      prompt: r.prompt,
      timeout: r.timeout,
      display: r.display,
      f1: r.f1,
      defaultLabel: r.default_label,
      labels,
      pushImage: r.push_image,
      overlays: JSON.parse(r.overlays) as string[],
      bootImage: r.boot_image,
      kernelFromImage: r.kernel_from_image === 1,
      rootMode: r.root_mode,
    };
  }

  /** Named parameters for the profiles row (booleans and lists as SQLite stores them). */
  private static row(p: ProfileRecord): Record<string, unknown> {
    const { labels: _labels, ...rest } = p;
    return { ...rest, overlays: JSON.stringify(p.overlays), kernelFromImage: p.kernelFromImage ? 1 : 0 };
  }

  byName(name: string): Profile | undefined {
    const r = stmt(this.db, 'SELECT * FROM profiles WHERE name = ?').get(name) as ProfileRow | undefined;
    return r && this.withLabels(r);
  }
  list(): Profile[] {
    return (stmt(this.db, 'SELECT * FROM profiles ORDER BY name').all() as ProfileRow[]).map((r) => this.withLabels(r));
  }

  private writeLabels(profileId: number, labels: ProfileLabel[]): void {
    stmt(this.db, 'DELETE FROM profile_labels WHERE profile_id = ?').run(profileId);
    const ins = stmt(this.db, 
      'INSERT INTO profile_labels (profile_id, position, name, menu_label, localboot, kernel, initrds, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    labels.forEach((l, i) => ins.run(profileId, i, l.name, l.menuLabel, l.localboot, l.kernel, JSON.stringify(l.initrds), l.args));
  }

  insert(p: ProfileRecord): number {
    return this.db.transaction(() => {
      const info = stmt(
        this.db,
        'INSERT INTO profiles (name, template, prompt, timeout, display, f1, default_label, push_image, overlays, boot_image, kernel_from_image, root_mode) VALUES (@name, @template, @prompt, @timeout, @display, @f1, @defaultLabel, @pushImage, @overlays, @bootImage, @kernelFromImage, @rootMode)',
      ).run(ProfileRepo.row(p));
      const id = Number(info.lastInsertRowid);
      this.writeLabels(id, p.labels);
      return id;
    })();
  }
  update(id: number, p: ProfileRecord): void {
    this.db.transaction(() => {
      stmt(
        this.db,
        'UPDATE profiles SET name=@name, template=@template, prompt=@prompt, timeout=@timeout, display=@display, f1=@f1, default_label=@defaultLabel, push_image=@pushImage, overlays=@overlays, boot_image=@bootImage, kernel_from_image=@kernelFromImage, root_mode=@rootMode WHERE id=@id',
      ).run({ ...ProfileRepo.row(p), id });
      this.writeLabels(id, p.labels);
    })();
    noteInventoryChange(this.db);
  }
  remove(id: number): void {
    stmt(this.db, 'DELETE FROM profiles WHERE id = ?').run(id);
  }
  nodeCount(id: number): number {
    return (stmt(this.db, 'SELECT count(*) AS n FROM nodes WHERE profile_id = ?').get(id) as { n: number }).n;
  }
}
