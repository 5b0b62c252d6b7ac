/*
 * The EEVDF time-slice request of one thread (Linux >= 6.12: sched_setattr(2)'s
 * sched_runtime for SCHED_OTHER and SCHED_BATCH threads). The thread's weight, and so its
 * long-run share of the CPU, is unchanged; what changes is how long it runs before the
 * scheduler reconsiders (its virtual deadlines come sooner). Policy, nice value and
 * reset-on-fork are kept.
 *
 * setSlice(tid, ns): ns = 0 returns the thread to the kernel's default slice; otherwise
 *   100,000 .. 100,000,000 (the kernel's bounds). Returns the slice the kernel reports
 *   afterwards (ns; 0 when the kernel has no custom slices, as before 6.12), NOT_FAIR when
 *   the thread is not SCHED_OTHER or SCHED_BATCH (left alone), or -errno.
 * getSlice(tid): the slice the kernel reports (ns), or -errno.
 * notFair: the NOT_FAIR value (outside the errno range).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <node_api.h>

#if !defined(SYS_sched_setattr) || !defined(SYS_sched_getattr)
#error "the C library headers do not define SYS_sched_setattr / SYS_sched_getattr"
#endif
#define NOT_FAIR (-100000)
#define POLICY_OTHER 0
#define POLICY_BATCH 3
#define FLAG_RESET_ON_FORK 0x01ULL

struct attr {
  uint32_t size;
  uint32_t policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime;
  uint64_t deadline;
  uint64_t period;
  uint32_t util_min;
  uint32_t util_max;
};

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

static int get(int32_t tid, struct attr *a) {
  memset(a, 0, sizeof *a);
  return (int)syscall(SYS_sched_getattr, tid, a, (unsigned)sizeof *a, 0U);
}

static napi_value get_slice(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t tid;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_int32(env, argv[0], &tid) != napi_ok || tid < 0) {
    napi_throw_type_error(env, NULL, "getSlice(tid)");
    return NULL;
  }
  struct attr a;
  if (get(tid, &a) != 0) return number(env, -(double)errno);
  return number(env, (double)a.runtime);
}

static napi_value set_slice(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t tid;
  double ns;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 || napi_get_value_int32(env, argv[0], &tid) != napi_ok || tid < 0 ||
      napi_get_value_double(env, argv[1], &ns) != napi_ok || !(ns == 0 || (ns >= 1e5 && ns <= 1e8))) {
    napi_throw_type_error(env, NULL, "setSlice(tid, ns): ns 0 or 100000..100000000");
    return NULL;
  }
  struct attr a;
  if (get(tid, &a) != 0) return number(env, -(double)errno);
  if (a.policy != POLICY_OTHER && a.policy != POLICY_BATCH) return number(env, NOT_FAIR);
  a.size = sizeof a;
  a.flags &= FLAG_RESET_ON_FORK;
  a.runtime = (uint64_t)ns;
  a.deadline = a.period = 0;
  if (syscall(SYS_sched_setattr, tid, &a, 0U) != 0) return number(env, -(double)errno);
  if (get(tid, &a) != 0) return number(env, -(double)errno);
  return number(env, (double)a.runtime);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "setSlice", NAPI_AUTO_LENGTH, set_slice, NULL, &fn);
  napi_set_named_property(env, exports, "setSlice", fn);
  napi_create_function(env, "getSlice", NAPI_AUTO_LENGTH, get_slice, NULL, &fn);
  napi_set_named_property(env, exports, "getSlice", fn);
  napi_value nf;
  napi_create_int32(env, NOT_FAIR, &nf);
  napi_set_named_property(env, exports, "notFair", nf);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
