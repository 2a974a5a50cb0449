// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio input device (Virtio 1.2, 5.8) as a keyboard of the console:
 * QEMU's virtio-keyboard-device.  The event queue holds NR_EVENTS
 * device-writable event buffers; each completed one is translated (key
 * events through the US layout, <vireo/keymap.h>; every other event type,
 * and a tablet's or mouse's buttons, type nothing) and handed back.
 * Typed bytes go to the console as if typed on the serial line
 * (console_input()), and a key press gives the screen back to the
 * framebuffer console when an application had it (fbcon_resume()).
 * The status queue (LEDs) is not used.
 *
 * Locking: in->lock (IRQ-safe spinlock) protects the event queue, the
 * buffers and the modifier state; the queue callback takes it in
 * interrupt context and drops it before handing bytes on (the console's
 * locks come after the scheduler lock, which must not nest inside ours).
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/mm.h>
#include <vireo/compiler.h>
#include <vireo/console.h>
#include <vireo/fb.h>
#include <vireo/keymap.h>
#include <vireo/klog.h>
#include <vireo/spinlock.h>
#include <vireo/virtio.h>

/* Configuration space (5.8.4) */
#define CFG_SELECT		0	/* u8 */
#define CFG_SUBSEL		1	/* u8 */
#define CFG_SIZE		2	/* u8 */
#define CFG_DATA		8	/* u8[128] */
#define VIRTIO_INPUT_CFG_ID_NAME	0x01

#define EV_KEY			1	/* event types (linux/input-event-codes.h) */
#define NR_EVENTS		64
#define NAME_MAX_LEN		40

struct input_event {			/* virtio_input_event, 5.8.6 */
	uint16_t type;
	uint16_t code;
	uint32_t value;
};

struct vinput {
	struct virtio_device *vdev;
	struct virtqueue *vq;
	spinlock_t lock;		/* see the top of the file */
	struct keymap_state keys;
	struct input_event events[NR_EVENTS];
};

static void give_event_locked(struct vinput *in, struct input_event *e)
{
	struct virtq_buf buf = { e, sizeof(*e) };

	virtqueue_add(in->vq, &buf, 0, 1, e);
}

/* Takes up to NR_EVENTS completed events, typing into out: the bytes
 * typed; *all is false when more may be waiting. */
static size_t collect(struct vinput *in, char *out, bool *all)
{
	struct input_event *e;
	uint32_t len;
	size_t n = 0;
	unsigned int taken = 0;
	irqflags_t f = spin_lock_irqsave(&in->lock);

	while (taken < NR_EVENTS && (e = virtqueue_get_buf(in->vq, &len))) {
		taken++;
		if (len >= sizeof(*e) && e->type == EV_KEY)
			n += keymap_key(&in->keys, e->code, (int32_t)e->value, out + n);
		give_event_locked(in, e);
	}
	if (taken)
		virtqueue_kick(in->vq);
	spin_unlock_irqrestore(&in->lock, f);
	*all = taken < NR_EVENTS;
	return n;
}

static void input_done(struct virtqueue *vq)
{
	struct vinput *in = virtqueue_device(vq)->priv;
	char typed[NR_EVENTS * KEYMAP_MAX_BYTES];
	bool all;

	do {
		size_t n = collect(in, typed, &all);

		if (n == 0)
			continue;
		if (IS_ENABLED(CONFIG_FBCON))
			fbcon_resume();
		console_input(typed, n);
	} while (!all);
}

/* The device's name from the configuration (5.8.5.1), for the log. */
static void read_name(struct virtio_device *vdev, char *name)
{
	uint8_t sel = VIRTIO_INPUT_CFG_ID_NAME, zero = 0, size;

	virtio_config_write(vdev, CFG_SELECT, &sel, 1);
	virtio_config_write(vdev, CFG_SUBSEL, &zero, 1);
	virtio_config_read(vdev, CFG_SIZE, &size, 1);
	size = MIN(size, (uint8_t)(NAME_MAX_LEN - 1));
	for (uint8_t i = 0; i < size; i++)
		virtio_config_read(vdev, CFG_DATA + i, &name[i], 1);
	name[size] = '\0';
}

static int input_probe(struct virtio_device *vdev)
{
	struct vinput *in = kcalloc(1, sizeof(*in));
	char name[NAME_MAX_LEN];

	if (!in)
		return -ENOMEM;
	in->vdev = vdev;
	spin_init(&in->lock);
	vdev->priv = in;
	in->vq = virtio_find_vq(vdev, 0, NR_EVENTS, input_done, "eventq");
	if (!in->vq) {
		vdev->priv = NULL;
		free(in);
		return -ENODEV;
	}
	read_name(vdev, name);
	irqflags_t f = spin_lock_irqsave(&in->lock);
	for (unsigned int i = 0; i < NR_EVENTS; i++)
		give_event_locked(in, &in->events[i]);
	spin_unlock_irqrestore(&in->lock, f);
	virtio_device_ready(vdev);
	virtqueue_kick(in->vq);
	pr_info("%s: input \"%s\": keys go to the console\n", vdev->name, name);
	return 0;
}

VIRTIO_DRIVER_DECLARE(input, .name = "virtio-input", .device_id = VIRTIO_ID_INPUT,
		      .probe = input_probe);
