/*
 * UDP send helpers on a Node dgram socket's own fd (non-blocking, MSG_DONTWAIT).
 *
 * sendTo(fd, data, address, port): one datagram to an IPv4 address, without Node's
 *   per-send request object, DNS-lookup callback and nextTick (the DHCP server's replies).
 *   Returns the bytes sent or -errno (EAGAIN: socket buffer full; the caller then lets Node
 *   queue it).
 *
 * sendmsg() with UDP generic segmentation offload (UDP_SEGMENT, Linux >= 4.18) for the
 * multicast sender: one system call hands the kernel up to 64 DATA datagrams (header +
 * block each) that it splits into separate, ordinary datagrams on the wire. The fd is the
 * Node dgram socket's own (connected to the data group or to the one receiver).
 *
 * sendBlocks(fd, headers, headerSize, data, blockSize, blocks, start, count)
 *   headers: every block's header, headerSize bytes each, indexed by block number
 *   data:    the slice's payload, blockSize bytes a block (the slice's last block may be short)
 *   blocks:  Int32Array of block numbers; blocks[start .. start+count) are sent
 * returns the number of bytes handed to the kernel, or -errno (EAGAIN: socket buffer full).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <node_api.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#define MAX_SEGMENTS 64
#define MAX_UDP_PAYLOAD 65507

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_type_error(env, NULL, msg);
  return NULL;
}

static napi_value send_blocks(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 8) return fail(env, "sendBlocks: 8 arguments");
  int32_t fd, header_size, block_size, start, count;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "fd: number");
  void *headers, *data;
  size_t headers_len, data_len;
  if (napi_get_buffer_info(env, argv[1], &headers, &headers_len) != napi_ok) return fail(env, "headers: Buffer");
  if (napi_get_value_int32(env, argv[2], &header_size) != napi_ok) return fail(env, "headerSize: number");
  if (napi_get_buffer_info(env, argv[3], &data, &data_len) != napi_ok) return fail(env, "data: Buffer");
  if (napi_get_value_int32(env, argv[4], &block_size) != napi_ok) return fail(env, "blockSize: number");
  napi_typedarray_type type;
  size_t blocks_len;
  void *blocks_raw;
  if (napi_get_typedarray_info(env, argv[5], &type, &blocks_len, &blocks_raw, NULL, NULL) != napi_ok || type != napi_int32_array)
    return fail(env, "blocks: Int32Array");
  if (napi_get_value_int32(env, argv[6], &start) != napi_ok || napi_get_value_int32(env, argv[7], &count) != napi_ok)
    return fail(env, "start, count: numbers");
  if (header_size <= 0 || block_size <= 0 || header_size + block_size > MAX_UDP_PAYLOAD || count < 1 || count > MAX_SEGMENTS || start < 0 || (size_t)start + (size_t)count > blocks_len)
    return fail(env, "sendBlocks: bad sizes or range");
  const int32_t *blocks = (const int32_t *)blocks_raw + start;

  struct iovec iov[2 * MAX_SEGMENTS];
  size_t total = 0;
  for (int i = 0; i < count; i++) {
    int32_t b = blocks[i];
    if (b < 0 || (size_t)b * block_size >= data_len || (size_t)(b + 1) * header_size > headers_len)
      return fail(env, "sendBlocks: block out of range");
    size_t off = (size_t)b * block_size;
    size_t len = data_len - off < (size_t)block_size ? data_len - off : (size_t)block_size;
    /* Only the last segment may be short: the kernel cuts every gso_size bytes. */
    if (len < (size_t)block_size && i != count - 1) return fail(env, "sendBlocks: a short block must come last");
    iov[2 * i].iov_base = (char *)headers + (size_t)b * header_size;
    iov[2 * i].iov_len = header_size;
    iov[2 * i + 1].iov_base = (char *)data + off;
    iov[2 * i + 1].iov_len = len;
    total += header_size + len;
  }
  if (total > MAX_UDP_PAYLOAD) return fail(env, "sendBlocks: batch larger than a UDP datagram");

  union {
    char buf[CMSG_SPACE(sizeof(uint16_t))];
    struct cmsghdr align;
  } control;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = 2 * count;
  if (count > 1) {
    memset(&control, 0, sizeof control);
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t seg = (uint16_t)(header_size + block_size);
    memcpy(CMSG_DATA(cm), &seg, sizeof seg);
  }
  ssize_t n;
  do n = sendmsg(fd, &msg, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  napi_value result;
  napi_create_double(env, n < 0 ? -(double)errno : (double)total, &result);
  return result;
}

static napi_value send_to(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4) return fail(env, "sendTo: 4 arguments");
  int32_t fd, port;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok) return fail(env, "fd: number");
  napi_typedarray_type type;
  size_t len;
  void *data;
  if (napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array)
    return fail(env, "data: Uint8Array");
  char address[32];
  size_t alen;
  if (napi_get_value_string_utf8(env, argv[2], address, sizeof address, &alen) != napi_ok) return fail(env, "address: string");
  if (napi_get_value_int32(env, argv[3], &port) != napi_ok || port < 1 || port > 65535) return fail(env, "port: 1..65535");
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)port);
  if (alen >= INET_ADDRSTRLEN || inet_pton(AF_INET, address, &to.sin_addr) != 1) return fail(env, "address: a dotted quad");
  if (len > MAX_UDP_PAYLOAD) return fail(env, "data: larger than a UDP datagram");
  ssize_t n;
  do n = sendto(fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to);
  while (n < 0 && errno == EINTR);
  napi_value result;
  napi_create_double(env, n < 0 ? -(double)errno : (double)n, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, to, max;
  napi_create_function(env, "sendTo", NAPI_AUTO_LENGTH, send_to, NULL, &to);
  napi_set_named_property(env, exports, "sendTo", to);
  napi_create_function(env, "sendBlocks", NAPI_AUTO_LENGTH, send_blocks, NULL, &fn);
  napi_set_named_property(env, exports, "sendBlocks", fn);
  napi_create_int32(env, MAX_SEGMENTS, &max);
  napi_set_named_property(env, exports, "maxSegments", max);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
