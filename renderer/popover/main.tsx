import { mountPage } from '../common/mount';
import { PopoverApp } from './PopoverApp';

mountPage('popover', <PopoverApp />);
