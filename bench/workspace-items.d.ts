/** A synthetic reconciliation result of N items, every category, for the workspace and renderer benchmarks. */
import { type ReconcileItem, type ReconcileReport } from '../shared/recon/types.ts';
export declare function syntheticItem(i: number): ReconcileItem;
export declare function syntheticReport(n: number): ReconcileReport;
