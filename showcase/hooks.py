"""What the showcase adds to the label's pages, through the label's hooks (registered from ``apps.ready``)."""

from label import home_blocks, panels

from . import catalogue, regions_map

home_blocks.register(regions_map.home_block)
home_blocks.register(catalogue.latest_block)
panels.register(panels.Panel("showcase/_profile_panel.html", prefetch=None, order=200))
panels.register(panels.Panel("showcase/_badge_panel.html", prefetch=None, order=210))
