/** Push bookkeeping writes that may fail and are counted in rackboot_push_store_errors_total{op}. */
export type PushStoreOp = 'joined' | 'refused' | 'started' | 'receiver-done' | 'dropped' | 'flush' | 'finish' | 'cancel';
